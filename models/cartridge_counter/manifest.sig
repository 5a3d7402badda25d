{
  "algorithm": "ed25519",
  "key_id": "340131aadea18252",
  "signature": "T1rYgPMYNtnsDTH/H9Nyu+xyPr2cd6h6qXH0LyWNLHlQ5HTLNzdp6fBO9Bwy1nA9nkUQg5z+1hWArUdCkpiEDg=="
}
