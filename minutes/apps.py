from django.apps import AppConfig


class MinutesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minutes"

    def ready(self):
        from . import pagecache

        pagecache.install()
