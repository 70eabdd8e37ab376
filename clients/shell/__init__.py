"""A terminal chat shell for people, talking to the running assistant over Rasa's REST channel.

Run it with ``python -m clients.shell``. Unlike ``rasa shell`` it needs no trained model in the
current folder, renders menus, carts and orders as tables, and hides the payment PIN.
"""
