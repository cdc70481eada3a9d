"""Two Syncthing instances on loopback sharing one folder: a team folder kept by a real engine.

Each instance has its own home folder (keys, configuration, index) and its own GUI/REST and
sync ports on 127.0.0.1. Global and local discovery, relays, NAT traversal, usage reports,
crash reports and upgrades are switched off in its configuration before it starts, so
nothing leaves the machine; the instances are then introduced to each other by device id
and share the folder through Syncthing's REST API (with the API key from each
``config.xml``). Scans are asked for through the API (the file-system watcher is off), and
:meth:`Pair.settle` waits on Syncthing's own completion status, with a bounded timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FOLDER_ID = "fieldwork-team"
#: The longest any wait on Syncthing may take before the test fails.
TIMEOUT = 60.0
#: How often Syncthing's status is asked for while waiting.
POLL = 0.05


def available() -> str | None:
    """The path of the ``syncthing`` program, or None."""
    return shutil.which("syncthing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Instance:
    """One Syncthing, generated in ``home``, not yet started."""

    def __init__(self, home: Path, name: str) -> None:
        self.home = home
        self.name = name
        self.folder = home / "Team"
        self.folder.mkdir(parents=True)
        out = subprocess.run(
            ["syncthing", "generate", f"--home={home}", "--no-default-folder",
             "--skip-port-probing"],
            capture_output=True, text=True, check=True, timeout=TIMEOUT,
        )
        found = re.search(r"Device ID: (\S+)", out.stdout + out.stderr)
        assert found is not None, out
        self.device_id = found.group(1)
        self.gui_port, self.sync_port = _free_port(), _free_port()
        self.api_key = self._configure()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = home / "syncthing.log"

    def _configure(self) -> str:
        """Loopback only, nothing off the machine; returns the API key."""
        config = self.home / "config.xml"
        tree = ET.parse(config)
        root = tree.getroot()
        options = root.find("options")
        assert options is not None
        for tag, value in (
            ("listenAddress", f"tcp://127.0.0.1:{self.sync_port}"),
            ("globalAnnounceEnabled", "false"), ("localAnnounceEnabled", "false"),
            ("relaysEnabled", "false"), ("natEnabled", "false"), ("urAccepted", "-1"),
            ("crashReportingEnabled", "false"), ("autoUpgradeIntervalH", "0"),
            ("startBrowser", "false"),
        ):
            for old in options.findall(tag):
                options.remove(old)
            ET.SubElement(options, tag).text = value
        tree.write(config)
        key = root.findtext("gui/apikey")
        assert key, "no API key in config.xml"
        return key

    def start(self) -> None:
        env = dict(os.environ, STNODEFAULTFOLDER="1", STNOUPGRADE="1", STNORESTART="1")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["syncthing", "serve", f"--home={self.home}", "--no-browser", "--no-restart",
                 "--no-upgrade", f"--gui-address=http://127.0.0.1:{self.gui_port}"],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}", data=data, method=method,
            headers={"X-API-Key": self.api_key, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            text = response.read()
        return json.loads(text) if text.strip() else None

    def wait_until_up(self) -> None:
        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log_tail()
            try:
                return bool(self.api("GET", "/rest/system/ping"))
            except (urllib.error.URLError, ConnectionError):
                return False

        wait_for(up, f"{self.name} to start")

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def wait_for(condition: Any, what: str) -> None:
    """Poll ``condition`` until it holds, failing after :data:`TIMEOUT` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Syncthing: gave up waiting for {what} after {TIMEOUT:.0f} s")
        time.sleep(POLL)


class Pair:
    """Two instances, introduced and sharing one folder: a transport for the story."""

    def __init__(self, lead: Instance, member: Instance) -> None:
        self.instances = {"lead": lead, "member": member}

    def folder(self, who: str) -> Path:
        return self.instances[who].folder

    def connect(self) -> None:
        lead, member = self.instances["lead"], self.instances["member"]
        for instance in (lead, member):
            options = instance.api("GET", "/rest/config/options")
            assert not (options["globalAnnounceEnabled"] or options["localAnnounceEnabled"]
                        or options["relaysEnabled"] or options["natEnabled"]), options
        for this, other in ((lead, member), (member, lead)):
            this.api("POST", "/rest/config/devices", {
                "deviceID": other.device_id, "name": other.name,
                "addresses": [f"tcp://127.0.0.1:{other.sync_port}"],
            })
        for instance in (lead, member):
            instance.api("POST", "/rest/config/folders", {
                "id": FOLDER_ID, "label": "Team", "path": str(instance.folder),
                "type": "sendreceive", "fsWatcherEnabled": False, "rescanIntervalS": 3600,
                "devices": [{"deviceID": lead.device_id}, {"deviceID": member.device_id}],
            })

        def connected() -> bool:
            found = lead.api("GET", "/rest/system/connections")["connections"]
            return bool(found.get(member.device_id, {}).get("connected"))

        wait_for(connected, "the two instances to connect")

    def settle(self) -> None:
        """Scan both folders, then wait until each instance holds, for every file either
        knows of, the newest version Syncthing knows of: each file's version vector, as
        each instance reports it (``/rest/db/file``), is the same on both, locally and
        globally, and both folders are idle with nothing needed."""
        instances = list(self.instances.values())
        for instance in instances:
            instance.api("POST", f"/rest/db/scan?folder={FOLDER_ID}")

        def in_step() -> bool:
            names: set[str] = set()
            for instance in instances:
                status = instance.api("GET", f"/rest/db/status?folder={FOLDER_ID}")
                if status["state"] != "idle" or status["needTotalItems"]:
                    return False
                names |= _files(instance.api("GET", f"/rest/db/browse?folder={FOLDER_ID}"))
            for name in names:
                versions = set()
                for instance in instances:
                    try:
                        seen = instance.api("GET", f"/rest/db/file?folder={FOLDER_ID}&file="
                                            f"{urllib.parse.quote(name)}")
                    except urllib.error.HTTPError as err:
                        if err.code == 404:  # not known there yet
                            return False
                        raise
                    versions |= {json.dumps([seen[k]["version"], seen[k]["deleted"]])
                                 for k in ("local", "global")}
                if len(versions) != 1:
                    return False
            return True

        wait_for(in_step, "both folders to hold the newest version of every file")


def _files(tree: list[dict[str, Any]], prefix: str = "") -> set[str]:
    """The files of a ``/rest/db/browse`` tree, as paths in the folder."""
    out: set[str] = set()
    for entry in tree:
        path = f"{prefix}{entry['name']}"
        if entry.get("type") == "FILE_INFO_TYPE_DIRECTORY":
            out |= _files(entry.get("children") or [], f"{path}/")
        else:
            out.add(path)
    return out


@contextlib.contextmanager
def syncthing_pair(root: Path) -> Iterator[Pair]:
    """Two running instances sharing a folder; both are stopped when the block ends."""
    lead = Instance(root / "lead-laptop", "lead")
    member = Instance(root / "member-laptop", "member")
    try:
        for instance in (lead, member):
            instance.start()
        for instance in (lead, member):
            instance.wait_until_up()
        pair = Pair(lead, member)
        pair.connect()
        yield pair
    finally:
        lead.stop()
        member.stop()
