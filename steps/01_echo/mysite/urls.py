"""Pages: /chat/ to pick a room, /chat/<room_name>/ to talk in it."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("chat/", include("chat.urls")),
    path("", RedirectView.as_view(url="/chat/")),
]
