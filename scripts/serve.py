#!/usr/bin/env python3
"""A static file server that behaves like a real static host: it sends the
precompressed sibling of a file (`file.br`, `file.gz`, written by
scripts/precompress.mjs for release builds) when the browser accepts that
encoding, so figures measured locally match what users of a real host get.
Everything else is Python's own http.server.

    python3 scripts/serve.py PORT [--bind 127.0.0.1] [--directory dist] [--encodings br,gzip]

`--encodings gzip` stands in for a host that only gzips (the first-load
benchmark measures both).
"""
import argparse
import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


class PrecompressedHandler(SimpleHTTPRequestHandler):
    """Serves `x.br` / `x.gz` for `x` when the client accepts br / gzip."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the base class redirects to the slash
            path = os.path.join(path, "index.html")
        accepted = self.headers.get("Accept-Encoding", "")
        for encoding, suffix in ENCODINGS:
            sibling = path + suffix
            if encoding in self.server.encodings and encoding in accepted and os.path.isfile(sibling) and os.path.isfile(path):
                f = open(sibling, "rb")
                size = os.fstat(f.fileno()).st_size
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(size))
                self.send_header("Vary", "Accept-Encoding")
                self.send_header("Last-Modified", self.date_time_string(os.path.getmtime(path)))
                self.end_headers()
                return f
        return super().send_head()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--directory", default=os.getcwd())
    parser.add_argument("--encodings", default="br,gzip", help="the precompressed encodings to send")
    args = parser.parse_args()
    handler = partial(PrecompressedHandler, directory=args.directory)
    server = ThreadingHTTPServer((args.bind, args.port), handler)
    server.encodings = set(args.encodings.split(","))
    host, port = server.server_address[:2]
    print(f"Serving HTTP on {host} port {port} (http://{host}:{port}/) ...", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
