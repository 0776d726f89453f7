"""What every messenger shares: commands, the chosen agent, linking an identity. Messenger shells only translate."""
