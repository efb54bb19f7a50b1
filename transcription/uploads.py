"""An upload handler that stops reading a request as soon as the file passes the size limit, so a
2 GB upload is refused without being stored or held in memory."""

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams to a temporary file (never to memory) and gives up past ``max_bytes``."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
