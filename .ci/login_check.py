"""Log in to a running server as a demo user the way a browser form does; exit non-zero on failure."""

import re
import sys

import requests

base, username, password = sys.argv[1:4]
session = requests.Session()
page = session.get(f"{base}/accounts/login/", timeout=10)
page.raise_for_status()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
if not token:
    sys.exit("login page has no CSRF token")
response = session.post(
    f"{base}/accounts/login/",
    data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1), "next": "/"},
    headers={"Referer": f"{base}/accounts/login/"},
    timeout=10,
)
if response.status_code != 200 or "Log out" not in response.text or username not in response.text:
    sys.exit(f"login as {username} failed: HTTP {response.status_code} at {response.url}")
print(f"logged in as {username}: {response.url}")
