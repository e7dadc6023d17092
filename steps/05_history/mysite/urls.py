"""Pages: /chat/ to pick a room, /chat/<room_name>/ to talk in it, /accounts/login/ and
/accounts/logout/ (Django's own views) to say who you are."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("chat/", include("chat.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", RedirectView.as_view(url="/chat/")),
]
