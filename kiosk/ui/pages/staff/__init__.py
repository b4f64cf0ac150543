"""The front desk's panel: PIN pad, passphrase, sign-up list."""
