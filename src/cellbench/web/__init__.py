"""The web platform: FastAPI app with ``/api/v1`` and server-rendered pages over the store (docs/platform.md).

>>> from cellbench.web import create_app, WebSettings   # creates lab.db in the working folder  # doctest: +SKIP
>>> app = create_app(WebSettings(database_url="sqlite:///lab.db"))   # doctest: +SKIP
"""

from cellbench.web.app import WebSettings, create_app
from cellbench.web.evaluations import EvaluationOptions

__all__ = ["create_app", "WebSettings", "EvaluationOptions"]
