# Configuration of the demo deployment (`make demo`). Not secret: the secret key is generated
# into this folder on first start, and the SQLite database lives here too (both git-ignored).
# Any key can be overridden from the environment as SOCIALPLAN_<KEY>, e.g. SOCIALPLAN_DATABASE_URL.
BABEL_DEFAULT_LOCALE = "en"
