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
    c = default_config()
    assert {k: c[k] for k in ["model", "latent", "hidden", "layers", "beta", "learningRate", "batch", "seed", "meansSpread", "warmup"]} == {
        "model": "cvae", "latent": 8, "hidden": 400, "layers": 2, "beta": 1.0, "learningRate": 0.001, "batch": 64, "seed": 1, "meansSpread": 1.0, "warmup": 0}
    # The GAN's settings, carried at the CLI's defaults.
    assert (c["dSteps"], c["ganLoss"], c["labelSmoothing"], c["dropout"], c["ganOutput"]) == (1, "nonSaturating", 0.9, 0.3, "tanh")


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
    with pytest.raises(ConfigError, match="unknown model kind 'nope'"):
        validate_config({"model": "nope"})
    # A GAN is a kind of the lab's, but not one this package builds: refused with the reason.
    with pytest.raises(ConfigError, match="model kind 'gan' has no encoder: vae_lab_torch builds cvae, sohn, vae, ae, pca"):
        validate_config({"model": "gan"})
    with pytest.raises(ConfigError, match="unknown configuration field"):
        validate_config({"model": "vae", "wings": 2})
    # The GAN's settings ride along in every configuration the CLI writes, at their defaults.
    assert validate_config({"model": "vae", "dropout": 0.3, "ganLoss": "nonSaturating"})["dropout"] == 0.3
    with pytest.raises(ConfigError, match="ganLoss = sideways is not one of nonSaturating, saturating"):
        validate_config({"model": "vae", "ganLoss": "sideways"})
