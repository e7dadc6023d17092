from django.urls import path, re_path

from . import views
from mysite.guards import ROOM_NAME_PATTERN

urlpatterns = [
    path("", views.index, name="index"),
    # The tutorial matches <str:room_name>; we match only names the channel layer accepts,
    # so any other name is a plain 404 (see mysite/guards.py).
    re_path(rf"^(?P<room_name>{ROOM_NAME_PATTERN})/$", views.room, name="room"),
]
