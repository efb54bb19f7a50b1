"""Recordings, transcription jobs and drafts arrive with the transcription issue; for now the app holds
the worker ping that proves a real worker process is consuming the queue."""

from django.db import models


class WorkerPing(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="Host name of the worker that answered.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Ping {self.pk} ({'answered by ' + self.worker if self.answered_at else 'waiting'})"
