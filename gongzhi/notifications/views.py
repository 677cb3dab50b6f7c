"""The inbox page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import Message


@login_required
def inbox(request):
    """The user's messages, newest first; unread ones marked."""
    messages = Message.objects.filter(recipient=request.user).for_listing()
    page = Paginator(messages, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
@require_POST
def open_message(request, message_id: int):
    """Mark one message read and follow its link."""
    message = Message.objects.filter(recipient=request.user, pk=message_id).first()
    if message is None:
        return redirect("notifications:inbox")
    services.mark_read(user=request.user, message_ids=[message.pk])
    link = (
        message.link if message.link.startswith("/") and not message.link.startswith("//") else ""
    )
    return redirect(link or "notifications:inbox")
