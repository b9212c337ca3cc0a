"""Tests of server.py: start-up, both listeners, SIGTERM, the moto version it expects.

Run: python3 -m unittest test_server (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import tempfile
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import moto

import server
from testing_support import read_ports, start_server, stop_server


class ServerLifecycleTest(unittest.TestCase):
    def test_sigterm_stops_the_server_and_removes_the_port_file(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            port_file = Path(tmp) / "port"
            proc = start_server(port_file)
            try:
                port, runtime_port = read_ports(port_file)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    self.assertEqual(response.status, 200)
                with self.assertRaises(urllib.error.HTTPError) as unknown:  # the data plane answers too
                    urllib.request.urlopen(f"http://127.0.0.1:{runtime_port}/", timeout=10)
                self.assertEqual(unknown.exception.code, 404)
            finally:
                code = stop_server(proc)
            self.assertEqual(code, 0)
            self.assertFalse(port_file.exists())


class PinnedMotoTest(unittest.TestCase):
    def test_the_installed_moto_is_the_one_requirements_txt_pins(self) -> None:
        self.assertEqual(server.pinned_moto(server.REQUIREMENTS.read_text()), moto.__version__)

    def test_the_pin_is_read_from_the_moto_line_with_or_without_extras(self) -> None:
        self.assertEqual(server.pinned_moto("# comment\nboto3==1.0\nmoto[server]==9.8.7\n"), "9.8.7")
        self.assertEqual(server.pinned_moto("moto==1.2.3"), "1.2.3")

    def test_requirements_without_an_exact_moto_pin_are_refused(self) -> None:
        for text in ("", "moto[server]>=5.2", "motor==1.0", "# moto[server]==5.2.1", "moto[server]"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                server.pinned_moto(text)


if __name__ == "__main__":
    unittest.main()
