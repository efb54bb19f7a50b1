"""The page where a logged-in user creates, replaces and revokes their API token (for scripts; the
browser uses the session). Replacing or revoking asks for a confirmation first, since scripts that
use the current token stop working."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from rest_framework.authtoken.models import Token

ACTIONS = {"create", "revoke"}


@login_required
def api_tokens(request):
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseBadRequest("Unknown action.")
        if token is not None and request.POST.get("confirm") != "yes":
            # Replacing or revoking a live token: show what will happen and ask again.
            return render(request, "minutes/tokens.html", {"token": token, "confirm": action})
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            if action == "create":
                Token.objects.create(user=request.user)
        if action == "create":
            messages.success(request, "New token created. Scripts using an earlier token must use this one now.")
        else:
            messages.success(request, "Token revoked: requests that send it are now refused." if token else "You had no token.")
        return redirect("api_tokens")
    return render(request, "minutes/tokens.html", {"token": token})
