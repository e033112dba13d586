"""Unbound extension singletons; create_app() binds them to an application."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import MemoryHuey

from app.core.api import LeefbaarApi
from app.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
api = LeefbaarApi()
# Tasks register on this instance at import time; app.core.jobs swaps in the real storage.
huey = MemoryHuey("leefbaar", immediate=True)
