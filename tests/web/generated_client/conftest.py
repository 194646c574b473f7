# Written by scripts/generate_api_client.sh: generated code, not tests.
collect_ignore_glob = ["*"]
