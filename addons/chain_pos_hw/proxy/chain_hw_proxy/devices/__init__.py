"""Build the configured devices, real or simulated."""

from ..receipt import ReceiptRenderer
from .display import COMMAND_SETS, PoleDisplay, open_serial_display
from .printer import EscposTransport, PrinterDevice
from .reader import CardReader, open_serial
from .sim import VirtualCardReader, VirtualDisplayPort, VirtualPrinterTransport


def build_printer(config, proxy_config, jobs, hub):
    if config.type == "sim":
        transport = VirtualPrinterTransport(config, proxy_config.sim_dir)
    else:
        transport = EscposTransport(config)
    return PrinterDevice(config, transport, ReceiptRenderer(config), jobs, hub)


def build_reader(config, proxy_config, hub):
    """A card reader; a simulated one also gets its pty (``reader.simulator``)."""
    if config.type == "sim":
        simulator = VirtualCardReader(config, proxy_config.sim_dir)
        return CardReader(config, hub, simulator.open_port, simulator.describe, simulator)
    return CardReader(config, hub, lambda: open_serial(config), lambda: f"serial {config.port}")


def build_display(config, proxy_config, hub):
    if config.type == "sim":
        port = VirtualDisplayPort(config, proxy_config.sim_dir, COMMAND_SETS[config.commands]())
        return PoleDisplay(config, lambda: port, port.describe, hub)
    return PoleDisplay(
        config, lambda: open_serial_display(config), lambda: f"serial {config.port}", hub
    )
