"""The conversation engine: procedures as data, asked one question at a time.

Import what you need from the modules (`engine`, `procedures`, `state`, `inputs`, …); this
package module stays empty so that `state` can be imported on its own (the ORM maps it).
"""
