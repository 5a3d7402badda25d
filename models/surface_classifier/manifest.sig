{
  "algorithm": "ed25519",
  "key_id": "340131aadea18252",
  "signature": "Ftdm9d2RKNf2J5BjZosr2DmYfaZdb8MhTONrpN1kp1BO/W97vP8hHwh4RvY/+zYFyJ+6RT+kjgkQZF04aLGxCA=="
}
