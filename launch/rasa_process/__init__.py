"""The Rasa server process as Orderly runs it: its tracker store and its patches.

`python -m launch.rasa_process run ...` checks the Rasa version the patches were written
for, installs them, says so in the log, and then hands its arguments to Rasa's own
command line. Importing anything here patches nothing.
"""
