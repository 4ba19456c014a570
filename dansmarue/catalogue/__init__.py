"""Catalogue: what can be reported, and the agents' canned texts.

Owns the category tree and its reportability rules (`categories`), and the
rejection reasons and service-done messages agents pick from (`agent_texts`,
seeded from `agent_text_seeds`).
May import: platform, workflow (states) and the foundations.
"""
