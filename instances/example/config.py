# An example production instance folder: copy it, point SOCIALPLAN_INSTANCE_PATH at the copy.
# DATABASE_URL = "postgresql+psycopg://socialplan@db.internal/socialplan"
# SECRET_KEY is generated into the folder on first start when neither this file nor
# SOCIALPLAN_SECRET_KEY sets it; well-known values such as "dev" are refused.
BABEL_DEFAULT_LOCALE = "en"
SESSION_COOKIE_SECURE = True
