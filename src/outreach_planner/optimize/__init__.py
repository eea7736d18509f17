"""The optimizer: one frozen problem in, one result out."""
