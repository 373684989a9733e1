#!/usr/bin/env python3
"""Browsers going through the OpenID Connect flow, for scripts/bench (scripts/lib/bench-oidc.sh).

Each browser is one asyncio task with its own keep-alive connection to nginx and its own cookie
jar, and it does what a person and the application do (docs/oidc.md, "The flow through the
pages"), over and over:

  GET /authorize -> 303 /  ->  GET / (the phone form, its csrf_token)  ->  POST / (its number)
  -> 303 /EnterCode/ID  ->  GET /EnterCode/ID  ->  the spoken code from the simulator
  (GET /_sim/last-code?recipient=DIGITS)  ->  POST /EnterCode/ID  ->  303 to the client's
  redirect URI with ?code=  ->  POST /token (the application's own connection, client_secret_basic,
  PKCE verifier)  ->  200 with an id_token.

Browser B uses the number 0613BBBBBB alone, so the simulator's newest code for it is its own.

  oidc-browsers.py flow   BASE SIM CLIENT SECRET REDIRECT BROWSERS SECONDS
      complete authorizations (the token answered 200 with an id_token) for SECONDS after a
      2 s warm-up; prints `authorizations N rate R`.
  oidc-browsers.py redeem BASE SIM CLIENT SECRET REDIRECT BROWSERS SECONDS
      the same pages, but the codes are kept, not redeemed, for SECONDS (keep it well under the
      codes' 60 s life); then BROWSERS application connections redeem them all at once, as fast
      as the pool answers; prints `redemptions N ok K rate R`.

Both print `driver_cpu P` (this process's CPU time over the wall time of the measured part, in
percent of one core) and `failures ...` (the step and status of each failed attempt, counted).
Python's standard library only.
"""

import asyncio
import base64
import collections
import hashlib
import json
import os
import re
import secrets
import sys
import time
import urllib.parse

CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
MAX_BODY = 1 << 20  # any answer of ours is far smaller


class Failed(Exception):
    """One attempt ended somewhere other than the next page; its step and status are counted."""


class Connection:
    """One HTTP/1.1 keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, target, headers=(), body=b""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise Failed(f"{method} {target.split('?')[0]}: connection closed") from error
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        answer = collections.defaultdict(list)
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                answer[name.strip().lower()].append(value.strip())
        if "chunked" in ",".join(answer.get("transfer-encoding", [])).lower():
            content = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                content += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                if len(content) > MAX_BODY:
                    raise Failed("answer too large")
            content = content[:-2]
        else:
            content = await self.reader.readexactly(int(answer.get("content-length", ["0"])[0]))
        if "close" in ",".join(answer.get("connection", [])).lower():
            self.close()
        return status, answer, content

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Browser:
    def __init__(self, index, site):
        self.site = site
        self.number = f"0613{index:06d}"
        self.digits = "31" + self.number[1:]
        host, port = site["base"]
        self.pages = Connection(host, port)  # the person's browser
        self.app = Connection(host, port)  # the application's own connection
        self.sim = Connection(*site["sim"])
        self.cookies = {}

    def keep_cookies(self, headers):
        for line in headers.get("set-cookie", []):
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            if value == "" or "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    async def page(self, step, method, target, form=None, expect=200):
        headers = [("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))]
        body = b""
        if form is not None:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = urllib.parse.urlencode(form).encode()
        status, answer, content = await self.pages.request(method, target, headers, body)
        self.keep_cookies(answer)
        if status != expect:
            raise Failed(f"{step} {status}")
        return answer, content

    async def authorize(self):
        """The person's part; returns (code, verifier) from the redirect to the client."""
        site = self.site
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        state = secrets.token_urlsafe(12)
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": site["client"], "redirect_uri": site["redirect"],
            "scope": "openid phone", "state": state, "nonce": secrets.token_urlsafe(12),
            "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"})
        answer, _ = await self.page("authorize", "GET", "/authorize?" + query, expect=303)
        _, form = await self.page("phone-form", "GET", answer["location"][0])
        token = CSRF.search(form)
        if token is None:
            raise Failed("phone-form no-csrf")
        csrf = token.group(1).decode()
        answer, _ = await self.page("post-number", "POST", "/",
                                    {"number": self.number, "csrf_token": csrf}, expect=303)
        code_page = answer["location"][0]
        if not code_page.startswith("/EnterCode/"):
            raise Failed("post-number elsewhere")
        _, form = await self.page("code-page", "GET", code_page)
        token = CSRF.search(form)
        csrf = token.group(1).decode() if token else csrf
        status, _, spoken = await self.sim.request(
            "GET", "/_sim/last-code?recipient=" + self.digits)
        if status != 200:
            raise Failed(f"sim-last-code {status}")
        answer, _ = await self.page("post-code", "POST", code_page,
                                    {"token": spoken.decode().strip(), "csrf_token": csrf},
                                    expect=303)
        back = urllib.parse.urlsplit(answer["location"][0])
        params = urllib.parse.parse_qs(back.query)
        if back._replace(query="").geturl() != site["redirect"] or "code" not in params:
            raise Failed("post-code not-to-client")
        if params.get("state") != [state]:
            raise Failed("post-code wrong-state")
        return params["code"][0], verifier

    async def redeem(self, code, verifier):
        site = self.site
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": site["redirect"],
            "code_verifier": verifier}).encode()
        status, _, content = await self.app.request("POST", "/token", [
            ("Authorization", "Basic " + site["basic"]),
            ("Content-Type", "application/x-www-form-urlencoded")], body)
        if status != 200 or "id_token" not in json.loads(content or b"{}"):
            raise Failed(f"token {status}")
        return True


async def attempt(step, failures):
    try:
        return await step
    except Failed as failure:
        failures[str(failure)] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        failures[type(error).__name__] += 1
    return None


async def run(mode, site, browsers, seconds):
    failures = collections.Counter()
    done = []  # finish times of complete authorizations
    kept = []  # (code, verifier) in redeem mode
    loop = asyncio.get_running_loop()
    warmup = 2.0 if mode == "flow" else 0.0
    start = loop.time()
    end = start + warmup + seconds

    async def browser_loop(browser):
        while loop.time() < end:
            got = await attempt(browser.authorize(), failures)
            if got is None:
                await asyncio.sleep(0.1)  # not a tight loop of failures
            elif mode == "redeem":
                kept.append(got)
            elif await attempt(browser.redeem(*got), failures):
                done.append(loop.time())

    all_browsers = [Browser(i, site) for i in range(browsers)]
    cpu_before = sum(os.times()[:2])
    await asyncio.gather(*(browser_loop(b) for b in all_browsers))
    if mode == "flow":
        counted = sum(1 for t in done if start + warmup <= t <= end)
        print(f"authorizations {counted} rate {counted / seconds:.1f}")
    else:
        # The applications redeem every kept code, each of BROWSERS connections one at a time.
        queue = collections.deque(kept)
        ok = 0

        async def application(browser):
            nonlocal ok
            while queue:
                if await attempt(browser.redeem(*queue.popleft()), failures):
                    ok += 1

        cpu_before = sum(os.times()[:2])
        start = loop.time()
        await asyncio.gather(*(application(b) for b in all_browsers))
        end = loop.time()
        print(f"redemptions {len(kept)} ok {ok} rate {ok / (end - start):.1f}"
              f" in {end - start:.2f}s")
    cpu = sum(os.times()[:2]) - cpu_before
    print(f"driver_cpu {100 * cpu / (loop.time() - start):.0f}")
    print("failures " + (", ".join(f"{k}: {v}" for k, v in sorted(failures.items())) or "none"))


def main():
    mode, base, sim, client, secret, redirect, browsers, seconds = sys.argv[1:9]
    if mode not in ("flow", "redeem"):
        sys.exit("mode: flow or redeem")
    split = lambda url: (urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port)
    site = {"base": split(base), "sim": split(sim), "client": client, "redirect": redirect,
            "basic": base64.b64encode(f"{client}:{secret}".encode()).decode()}
    asyncio.run(run(mode, site, int(browsers), int(seconds)))


if __name__ == "__main__":
    main()
