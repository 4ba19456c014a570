"""The DansMaRue workflow: states (here) and transitions (`transitions`)."""
