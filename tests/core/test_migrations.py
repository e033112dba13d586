"""Every table comes from a migration, the models match them, and there is one head."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_migrations_have_a_single_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_the_migrations(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_schema_downgrades_and_upgrades_cleanly(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        downgrade(directory=str(MIGRATIONS), revision="base")
        upgrade(directory=str(MIGRATIONS))
        result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(db):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_migrations_run_with_sqlite_foreign_keys_off(make_app, tmp_path, monkeypatch):
    """Batch table rebuilds must not cascade deletes, so env.py turns foreign keys off."""
    from alembic.runtime.migration import MigrationContext

    seen = []
    original = MigrationContext.run_migrations

    def spy(self, **kwargs):
        seen.append(self.connection.exec_driver_sql("PRAGMA foreign_keys").scalar())
        return original(self, **kwargs)

    monkeypatch.setattr(MigrationContext, "run_migrations", spy)
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fk.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        from app.extensions import db

        with db.engine.connect() as connection:  # and the pooled connection has them on again
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert seen == [0]
