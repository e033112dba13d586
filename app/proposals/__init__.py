"""Ideas, neighbourhood budget rounds, voting, comments and moderation."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.proposals import jobs, models  # noqa: F401  (register the tables and jobs)


def init_feature(app: Flask) -> None:
    """Register the proposals API, pages and CLI."""
    from app.core.assets import add_staff_link
    from app.extensions import api as rest_api
    from app.proposals.api import discussion as discussion_api
    from app.proposals.api import proposals as proposals_api
    from app.proposals.api import rounds as rounds_api
    from app.proposals.cli import init_cli
    from app.proposals.views import discussion as discussion_views
    from app.proposals.views import proposals as proposal_views
    from app.proposals.views import rounds as round_views

    for blueprint in (proposals_api.blp, rounds_api.blp, discussion_api.blp):
        rest_api.register_blueprint(blueprint)
    for blueprint in (proposal_views.blueprint, round_views.blueprint, discussion_views.blueprint):
        app.register_blueprint(blueprint)
    add_staff_link(app, "discussion.moderation_page", _l("Moderation"), 20)
    add_staff_link(app, "rounds.manage_index", _l("Budget rounds"), 30)
    init_cli(app)
