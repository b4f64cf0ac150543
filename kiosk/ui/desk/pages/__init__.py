"""The desk app's Pages view (issue 16): edit, preview, publish, history."""
