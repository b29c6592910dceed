"""Read the proxy's INI configuration file into plain dataclasses.

Sections: ``[proxy]``, one ``[printer:NAME]`` per printer, ``[drawer]``, one
``[reader:NAME]`` per card reader and one ``[display:NAME]`` per pole display.
``proxy.example.conf`` documents every key.
"""

import configparser
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PRINTER_TYPES = ("usb", "serial", "network", "sim")
SERIAL_TYPES = ("serial", "sim")
DISPLAY_COMMAND_SETS = ("epson", "cd5220", "aedex")
TOKEN_ENV = "CHAIN_HW_PROXY_TOKEN"
ORIGINS_ENV = "CHAIN_HW_PROXY_ORIGINS"  # more allowed origins (e.g. Odoo on another port)


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or inconsistent."""


@dataclass
class PrinterConfig:
    name: str
    type: str = "sim"
    profile: str = "TM-T88V"
    columns: int = 42
    chinese: bool = True
    font: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    logo: str = ""
    default: bool = False
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int = 0x82
    out_ep: int = 0x01
    port: str = ""
    baudrate: int = 38400
    host: str = ""
    tcp_port: int = 9100
    timeout: float = 5.0
    status_query: bool = True
    status_interval: float = 10.0
    retry_interval: float = 2.0


@dataclass
class ReaderConfig:
    name: str
    type: str = "sim"
    port: str = ""
    baudrate: int = 9600
    max_line: int = 256
    dedupe_seconds: float = 1.0
    reconnect_interval: float = 1.0


@dataclass
class DisplayConfig:
    name: str
    type: str = "sim"
    port: str = ""
    baudrate: int = 9600
    commands: str = "epson"
    encoding: str = "ascii"
    columns: int = 20
    welcome: str = ""
    reconnect_interval: float = 1.0


@dataclass
class DrawerConfig:
    printer: str = ""
    pin: int = 2


@dataclass
class ProxyConfig:
    token: str
    host: str = "127.0.0.1"
    port: int = 8070
    allowed_origins: tuple = ()
    allowed_hosts: tuple = ()
    sim_dir: Path = None
    state_dir: Path = None
    job_expiry: float = 3600.0
    log_level: str = "INFO"
    printers: dict = field(default_factory=dict)
    readers: dict = field(default_factory=dict)
    displays: dict = field(default_factory=dict)
    drawer: DrawerConfig = None

    @property
    def default_printer(self):
        """Name of the printer used when a request names none."""
        for printer in self.printers.values():
            if printer.default:
                return printer.name
        return next(iter(self.printers), None)

    @property
    def simulated(self):
        """True when at least one device is simulated."""
        devices = [*self.printers.values(), *self.readers.values(), *self.displays.values()]
        return any(device.type == "sim" for device in devices)


def load_config(path, port=None, sim_dir=None):
    """Load ``path``; ``port`` and ``sim_dir`` (command line) override the file."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not parser.has_section("proxy"):
        raise ConfigError(f"{path}: the [proxy] section is missing")
    try:
        config = _proxy_config(parser["proxy"], port, sim_dir)
        for section in parser.sections():
            _add_device(config, section, parser[section])
        config.drawer = _drawer_config(parser, config)
    except ValueError as exc:  # ConfigError too
        raise ConfigError(f"{path}: {exc}") from exc
    _resolve_dirs(config, sim_dir)
    return config


def _add_device(config, section_name, section):
    kind, _sep, name = section_name.partition(":")
    builders = {
        "printer": (_printer_config, config.printers),
        "reader": (_reader_config, config.readers),
        "display": (_display_config, config.displays),
    }
    if kind in builders:
        if not name:
            raise ConfigError(f"[{section_name}] needs a name, e.g. [{kind}:main]")
        build, devices = builders[kind]
        devices[name] = build(name, section)
    elif kind not in ("proxy", "drawer"):
        raise ConfigError(f"unknown section [{section_name}]")


def _path(value):
    return Path(value).expanduser() if value else None


def _words(value):
    return tuple(word for word in value.replace(",", " ").split() if word)


def _proxy_config(section, port, sim_dir):
    token = os.environ.get(TOKEN_ENV) or section.get("token", "").strip()
    if not token:
        raise ConfigError(f"[proxy] token is empty (set it, or the {TOKEN_ENV} variable)")
    listed = section.get("allowed_origins", "") + " " + os.environ.get(ORIGINS_ENV, "")
    origins = tuple(origin.rstrip("/") for origin in _words(listed))
    if not origins:
        raise ConfigError("[proxy] allowed_origins is empty: list the Odoo origins of the POS")
    return ProxyConfig(
        token=token,
        host=section.get("host", "127.0.0.1"),
        port=port if port is not None else section.getint("port", 8070),
        allowed_origins=origins,
        allowed_hosts=_words(section.get("allowed_hosts", "")),
        sim_dir=_path(sim_dir or section.get("sim_dir", "")),
        state_dir=_path(section.get("state_dir", "")),
        job_expiry=section.getfloat("job_expiry", 3600.0),
        log_level=section.get("log_level", "INFO").upper(),
    )


def _choice(section, key, choices, default):
    value = section.get(key, default).strip().lower()
    if value not in choices:
        raise ConfigError(f"[{section.name}] {key} = {value}: expected one of {', '.join(choices)}")
    return value


def _printer_config(name, section):
    config = PrinterConfig(
        name=name,
        type=_choice(section, "type", PRINTER_TYPES, "sim"),
        profile=section.get("profile", "TM-T88V"),
        columns=section.getint("columns", 42),
        chinese=section.getboolean("chinese", True),
        font=section.get("font", PrinterConfig.font),
        logo=section.get("logo", ""),
        default=section.getboolean("default", False),
        vendor_id=int(section.get("vendor_id", "0"), 0),
        product_id=int(section.get("product_id", "0"), 0),
        in_ep=int(section.get("in_ep", "0x82"), 0),
        out_ep=int(section.get("out_ep", "0x01"), 0),
        port=section.get("port", ""),
        baudrate=section.getint("baudrate", 38400),
        host=section.get("host", ""),
        tcp_port=section.getint("tcp_port", 9100),
        timeout=section.getfloat("timeout", 5.0),
        status_query=section.getboolean("status_query", True),
        status_interval=section.getfloat("status_interval", 10.0),
        retry_interval=section.getfloat("retry_interval", 2.0),
    )
    required = {"usb": "vendor_id", "serial": "port", "network": "host"}.get(config.type)
    if required and not getattr(config, required):
        raise ConfigError(f"[{section.name}] a {config.type} printer needs {required}")
    return config


def _reader_config(name, section):
    config = ReaderConfig(
        name=name,
        type=_choice(section, "type", SERIAL_TYPES, "sim"),
        port=section.get("port", ""),
        baudrate=section.getint("baudrate", 9600),
        max_line=section.getint("max_line", 256),
        dedupe_seconds=section.getfloat("dedupe_seconds", 1.0),
        reconnect_interval=section.getfloat("reconnect_interval", 1.0),
    )
    if config.type == "serial" and not config.port:
        raise ConfigError(f"[{section.name}] a serial reader needs port")
    return config


def _display_config(name, section):
    config = DisplayConfig(
        name=name,
        type=_choice(section, "type", SERIAL_TYPES, "sim"),
        port=section.get("port", ""),
        baudrate=section.getint("baudrate", 9600),
        commands=_choice(section, "commands", DISPLAY_COMMAND_SETS, "epson"),
        encoding=section.get("encoding", "ascii"),
        columns=section.getint("columns", 20),
        welcome=section.get("welcome", ""),
        reconnect_interval=section.getfloat("reconnect_interval", 1.0),
    )
    if config.type == "serial" and not config.port:
        raise ConfigError(f"[{section.name}] a serial display needs port")
    try:
        "".encode(config.encoding)
    except LookupError as exc:
        raise ConfigError(f"[{section.name}] encoding: {exc}") from exc
    return config


def _drawer_config(parser, config):
    if not parser.has_section("drawer"):
        return DrawerConfig(printer=config.default_printer or "")
    section = parser["drawer"]
    drawer = DrawerConfig(
        printer=section.get("printer", config.default_printer or ""),
        pin=section.getint("pin", 2),
    )
    if drawer.printer not in config.printers:
        raise ConfigError(f"[drawer] printer = {drawer.printer}: no such [printer:...] section")
    if drawer.pin not in (2, 5):
        raise ConfigError("[drawer] pin must be 2 or 5")
    return drawer


def _resolve_dirs(config, sim_dir):
    if config.simulated and not config.sim_dir:
        config.sim_dir = Path(tempfile.gettempdir()) / "chain_hw_proxy-sim"
    if config.state_dir is None:
        if sim_dir:
            config.state_dir = Path(sim_dir)
        else:
            config.state_dir = Path.home() / ".local" / "state" / "chain_hw_proxy"
