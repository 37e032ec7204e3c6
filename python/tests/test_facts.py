"""The package's facts.json (settings' names, ranges and defaults, kinds, data sets) is what the
Rust library says: the JSON of `vae-lab facts`. Refresh it with
`vae-lab facts | sed -n 's/^export const FACTS = //p;/^  /p;/^}/p'`, or see docs/pytorch.md."""
import json

from conftest import cli
from vae_lab_torch.facts import FACTS, ConfigError, check_setting, default_config, validate_config
import pytest


def rust_facts():
    text = cli("facts").stdout
    return json.loads(text.split("export const FACTS = ", 1)[1].rstrip().rstrip(";"))


def test_facts_are_the_cli_s():
    assert FACTS == rust_facts(), "python/vae_lab_torch/facts.json is out of date: regenerate it from `vae-lab facts`"


def test_defaults_are_the_cli_s():
    assert default_config() == {"model": "cvae", "latent": 8, "hidden": 400, "layers": 2, "beta": 1.0, "learningRate": 0.001,
                                "batch": 64, "seed": 1, "meansSpread": 1.0, "warmup": 0}


@pytest.mark.parametrize("key,value,message", [
    ("latent", 0, "latent = 0 is out of range: it must be a whole number from 1 to 256"),
    ("learningRate", 0, "learningRate = 0 is out of range: it must be a number in (0, 10]"),
    ("beta", -1, "beta = -1 is out of range: it must be a number in [0, 1000]"),
    ("batch", 5000, "batch = 5000 is out of range: it must be a whole number from 1 to 4096"),
])
def test_settings_are_refused_with_the_cli_s_words(key, value, message):
    with pytest.raises(ConfigError) as e:
        check_setting(key, value)
    assert str(e.value) == message
    # The CLI says the same for the same value.
    flag = {"learningRate": "--lr"}.get(key, f"--{key}")
    out = cli("train", flag, value, "--epochs", "0", check=False)
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_unknown_kind_and_keys_are_refused():
    with pytest.raises(ConfigError, match="unknown model kind 'gan'"):
        validate_config({"model": "gan"})
    with pytest.raises(ConfigError, match="unknown configuration field"):
        validate_config({"model": "vae", "dropout": 0.5})
