"""The sign-up form and its pieces."""
