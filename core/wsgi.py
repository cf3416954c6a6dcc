"""WSGI entry point for servers: ``gunicorn 'core.wsgi:app'`` (gunicorn then sends no ``Server`` header either)."""

from core.app import create_app
from core.wsgi_server import hide_server_header

hide_server_header()
app = create_app()
