#!/usr/bin/env python3
"""A stand-in for OpenAI's chat completions endpoint, for `make bench`: it answers every vision request after a fixed
delay with a small valid menu, so an upload's wall time shows how many images the responder reads at once.

usage: scripts/fake-openai.py [--port N] [--delay SECONDS]

Binds 127.0.0.1 only (port 0, the default, takes a free one) and prints `listening on 127.0.0.1:PORT` once ready.
POST /v1/chat/completions answers, after --delay seconds (default 1), a `chat.completion` whose content is JSON in the
schema the service asks for (Sources/OCR/OpenAIVisionProvider.swift; wire format in
docs/providers.md); a request without a model or an image gets OpenAI's 400 envelope.
GET /stats answers {"requests": N, "in_flight": I, "max_in_flight": M} for the time since the previous GET /stats
(or the start): N completions begun, I pending now, M the most ever pending at once.
Exits on SIGTERM or SIGINT, and by itself when its parent process dies, so a killed bench leaves nothing behind.
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DISHES = [("김치찌개", 8000), ("된장찌개", 7500), ("비빔밥", 9000), ("제육볶음", 10000), ("불고기", 12000), ("냉면", 9000)]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def begin(self):
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.requests

    def end(self):
        with self.lock:
            self.in_flight -= 1

    def take(self):
        """The counts so far; then they start again from what is pending now."""
        with self.lock:
            counts = {"requests": self.requests, "in_flight": self.in_flight, "max_in_flight": self.max_in_flight}
            self.requests = 0
            self.max_in_flight = self.in_flight
            return counts


def menu_content(image_url):
    """Three dishes picked by the image's digest: distinct images get distinct (but always valid) menus."""
    digest = hashlib.sha256(image_url.encode()).digest()
    items = []
    for offset in range(3):
        name, amount = DISHES[(digest[0] + offset) % len(DISHES)]
        items.append({
            "name_ko": name, "name_en": None, "description": None, "category": None,
            "prices": [{"label": None, "amount": amount}], "market_price": False, "is_set": False,
            "confidence": 0.95,
        })
    return json.dumps({"has_handwriting": False, "items": items}, ensure_ascii=False)


def image_url_of(request):
    """The first image part's URL in the user messages, or None."""
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for part in content:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = (part.get("image_url") or {}).get("url")
                if isinstance(url, str) and url:
                    return url
    return None


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length on every answer, so the responder's libcurl keeps its connections, as with OpenAI.
    protocol_version = "HTTP/1.1"
    server_version = "fake-openai"
    sys_version = ""

    def log_message(self, format, *args):  # one line per request on stderr would only slow the bench down
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, code=None):
        self.answer(status, {"error": {"message": message, "type": "invalid_request_error", "param": None,
                                       "code": code}})

    def do_GET(self):
        if self.path == "/stats":
            self.answer(200, self.server.stats.take())
        else:
            self.error(404, f"Unknown path {self.path}", "unknown_url")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path != "/v1/chat/completions":
            self.error(404, f"Unknown path {self.path}", "unknown_url")
            return
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            self.answer(401, {"error": {"message": "No API key provided.", "type": "invalid_request_error",
                                        "param": None, "code": "invalid_api_key"}})
            return
        try:
            request = json.loads(body)
        except ValueError:
            self.error(400, "The request body is not valid JSON.")
            return
        image_url = image_url_of(request) if isinstance(request, dict) else None
        if not isinstance(request, dict) or not request.get("model") or image_url is None:
            self.error(400, "The request needs a model and a user message with an image_url part.", "invalid_value")
            return
        number = self.server.stats.begin()
        try:
            time.sleep(self.server.delay)
            content = menu_content(image_url)
            self.answer(200, {
                "id": f"chatcmpl-fake{number:012d}", "object": "chat.completion", "created": int(time.time()),
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                    "logprobs": None, "finish_reason": "stop",
                }],
                "usage": {"prompt_tokens": 25742, "completion_tokens": 120, "total_tokens": 25862},
                "service_tier": "default", "system_fingerprint": None,
            }, headers=[("x-request-id", f"req_fake{number:012d}")])
        finally:
            self.server.stats.end()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # Every OCR lane of the responder may connect at once; the default backlog of 5 could refuse some.
    request_queue_size = 128


def exit_with_parent(parent):
    """Polls for the parent's death (Linux re-parents orphans, so getppid changes) and exits with it."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 takes a free one (default)")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds before each completion (default 1)")
    args = parser.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.delay = args.delay
    server.stats = Stats()

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
