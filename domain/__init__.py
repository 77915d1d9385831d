"""The pure core of Madoguchi: residents, households, benefits, disbursements, certificates.

Imports only the standard library and attrs. Messages a person reads are in Japanese.
"""
