"""An independent RDS IAM auth token: botocore's own `generate_db_auth_token`, at a pinned time.

Reads a JSON list of cases on stdin:
  [{"host", "port", "user", "region", "accessKeyId", "secretAccessKey", "sessionToken", "time": epoch seconds}]
and prints {"botocore": version, "signer": module that signed, "tokens": [...]}.

How the time is pinned: botocore's presigners read the clock through a name in their own module,
either `get_current_datetime()` (botocore >= 1.35, imported from botocore.compat) or
`datetime.datetime.utcnow()` (older releases). Two presigners exist: the pure-Python
`botocore.auth.SigV4QueryAuth` and, when `awscrt` is installed (Debian's python3-botocore pulls it
in), `botocore.crt.auth.CrtSigV4QueryAuth`, which signs in the AWS Common Runtime's C code. In
each of those modules we rebind whichever clock name it has so that it answers with the case's
time as a naive UTC datetime, exactly like the original. botocore then signs as it would have at
that instant. Nothing else is touched and no network call is made (the RDS client signs locally).
"""
import datetime
import importlib
import json
import sys
import types

import botocore
import botocore.session


def pin_clock(fixed):
    class PinnedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

        @classmethod
        def now(cls, tz=None):
            return fixed.replace(tzinfo=tz) if tz is not None else fixed

    for name in ("botocore.auth", "botocore.crt.auth"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "get_current_datetime"):
            module.get_current_datetime = lambda remove_tzinfo=True: fixed if remove_tzinfo else fixed.replace(tzinfo=datetime.timezone.utc)
        if hasattr(module, "datetime"):
            module.datetime = types.SimpleNamespace(datetime=PinnedDatetime, timezone=datetime.timezone)


cases = json.load(sys.stdin)
session = botocore.session.get_session()
tokens = []
for case in cases:
    pin_clock(datetime.datetime.fromtimestamp(case["time"], tz=datetime.timezone.utc).replace(tzinfo=None))
    client = session.create_client(
        "rds",
        region_name=case["region"],
        aws_access_key_id=case["accessKeyId"],
        aws_secret_access_key=case["secretAccessKey"],
        aws_session_token=case.get("sessionToken"),
    )
    tokens.append(client.generate_db_auth_token(case["host"], case["port"], case["user"], Region=case["region"]))

try:
    import botocore.crt.auth  # noqa: F401  (present only with awscrt)
    import awscrt  # noqa: F401

    signer = "awscrt"
except ImportError:
    signer = "botocore.auth"
json.dump({"botocore": botocore.__version__, "signer": signer, "tokens": tokens}, sys.stdout)
