from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from mysite.guards import MAX_MESSAGE_LENGTH, ROOM_NAME_PATTERN


@login_required
def index(request):
    return render(request, "chat/index.html", {"room_name_pattern": ROOM_NAME_PATTERN})


@login_required
def room(request, room_name):
    return render(request, "chat/room.html", {"room_name": room_name, "max_length": MAX_MESSAGE_LENGTH})
