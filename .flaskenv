# Read by the flask command (python-dotenv): the app factory, not wsgi.py.
# Settings of an instance go in instance/fnt-partage.env (see docs/deploy.md).
FLASK_APP=app
