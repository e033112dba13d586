"""The feature packages, in dependency order; each exposes init_feature(app)."""

FEATURES = (
    "app.accounts",
    "app.neighbourhoods",
    "app.proposals",
    "app.volunteering",
    "app.reports",
    "app.open311",
)
