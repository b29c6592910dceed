from . import chain_wallet_xlsx
