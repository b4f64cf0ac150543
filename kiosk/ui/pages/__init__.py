"""One widget per page a patient or the front desk sees."""
