"""What the Rust library says about model kinds, settings and data sets (`vae-lab facts`), as the
page is told it: `facts.json` is the JSON of `www/state/facts.js`, and python/tests/test_facts.py
fails when it differs from what the CLI prints. Settings are checked here by the same ranges and
with the same messages as `Config::validate` (src/config.rs)."""
import json
import math
from importlib import resources

FACTS = json.loads(resources.files(__package__).joinpath("facts.json").read_text(encoding="utf-8"))
KINDS = FACTS["kinds"]
SETTINGS = FACTS["settings"]
DATASETS = FACTS["datasets"]

CHOICES = FACTS.get("choices", {})
# A checkpoint's configuration: its keys in Config's order (src/config.rs): every setting of the
# facts but the explorer's τ, then the named-option settings (the GAN's), which a configuration of
# any kind carries at their defaults.
CONFIG_KEYS = ["model", *[k for k in SETTINGS if k != "tau"], *CHOICES]
# The kinds this package builds: those with an encoder and a decoder (the VAE family, the
# autoencoder, PCA). The GANs train in the CLI and the page; their checkpoints are refused here.
BUILT = [k for k in FACTS["order"] if KINDS[k]["hasEncoder"]]
# The settings of the kinds built here, in Config's order: what this package writes in a
# checkpoint's configuration (Rust gives the rest their defaults when it reads one).
WRITTEN_KEYS = ["model", *[k for k in CONFIG_KEYS[1:] if any(k in KINDS[b]["settings"] for b in BUILT)]]
# The CLI's flag for each setting (src/cli/args.rs).
FLAGS = {"latent": "--latent", "hidden": "--hidden", "layers": "--layers", "beta": "--beta", "learningRate": "--lr",
         "batch": "--batch", "seed": "--seed", "meansSpread": "--means-spread", "warmup": "--warmup"}


class ConfigError(ValueError):
    """A configuration or checkpoint this lab does not build, with the reason."""


def _number(x):
    """Rust's f64 text: 4 → '4', 0.5 → '0.5' (as `{value}` prints it in Range::check)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def check_setting(key, value):
    """Range::check: the message names the setting, the value and what is allowed."""
    if key in CHOICES:
        if value not in CHOICES[key]["options"]:
            raise ConfigError(f"{key} = {value} is not one of {', '.join(CHOICES[key]['options'])}")
        return
    r = SETTINGS[key]
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        above = value > r["min"] if r.get("minExclusive") else value >= r["min"]
        ok = above and value <= r["max"] and (not r.get("integer") or float(value).is_integer())
    if ok:
        return
    lo, hi = _number(r["min"]), _number(r["max"])
    shown = value if not isinstance(value, (int, float)) or isinstance(value, bool) else _number(value)
    if r.get("integer"):
        raise ConfigError(f"{key} = {shown} is out of range: it must be a whole number from {lo} to {hi}")
    raise ConfigError(f"{key} = {shown} is out of range: it must be a number in {'(' if r.get('minExclusive') else '['}{lo}, {hi}]")


def default_config(model=None):
    """The page's (and the CLI's) defaults."""
    c = {k: CHOICES[k]["default"] if k in CHOICES else SETTINGS[k]["default"] for k in CONFIG_KEYS[1:]}
    c = {k: v if k in CHOICES else int(v) if SETTINGS[k].get("integer") else float(v) for k, v in c.items()}
    return {"model": model or FACTS["defaultKind"], **c}


def validate_config(config):
    """A configuration as Rust reads one from a checkpoint: every key known (an unknown one is
    refused, as serde's deny_unknown_fields does), a known kind, every value in range. Missing keys
    take their defaults (`layers` defaults to 1: checkpoints from before it had one layer).
    Returns the full configuration with whole numbers as int."""
    if not isinstance(config, dict):
        raise ConfigError("the configuration is not an object")
    kind(config.get("model", FACTS["defaultKind"]))
    unknown = [k for k in config if k not in CONFIG_KEYS]
    if unknown:
        raise ConfigError(f"unknown configuration field(s) {', '.join(unknown)}: this lab knows {', '.join(CONFIG_KEYS)}")
    out = default_config()
    out["layers"] = 1
    out.update(config)
    if out["model"] not in KINDS:
        raise ConfigError(f"unknown model kind '{out['model']}': this lab builds {', '.join(FACTS['order'])}")
    for key in CONFIG_KEYS[1:]:
        check_setting(key, out[key])
        if key in CHOICES:
            continue
        if SETTINGS[key].get("integer"):
            if isinstance(out[key], float) and key in config:
                raise ConfigError(f"{key} = {out[key]} must be written as a whole number")
            out[key] = int(out[key])
        else:
            out[key] = float(out[key])
    return out


def kind(name):
    """A kind's facts (variational, hasClassMeans, takesLabel, trainable, …), for a kind this
    package builds."""
    if name not in KINDS:
        raise ConfigError(f"unknown model kind '{name}': this lab builds {', '.join(FACTS['order'])}")
    if name not in BUILT:
        raise ConfigError(f"model kind '{name}' has no encoder: vae_lab_torch builds {', '.join(BUILT)}; "
                          f"train and open the {KINDS[name]['name']} with the CLI or the page")
    return KINDS[name]
