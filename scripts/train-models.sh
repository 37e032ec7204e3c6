#!/usr/bin/env bash
# Reproduces the shipped models in models/ with the CLI (same code as the page). Not part of the
# tests: it takes about 2½ hours on 2 cores (the times the logs in models/logs/ print add up to
# 9,150 s on this shared 2-core machine: 34 minutes of it the four latent-2 models, 22 the two
# classifiers, 38 fashion-sohn alone). Logs go to models/logs/.
#   scripts/train-models.sh            all of them
#   scripts/train-models.sh mnist-vae  one (mnist-vae, mnist-cvae, mnist-sohn, mnist-ae, mnist-pca, fashion-vae, fashion-cvae, fashion-sohn, fashion-ae, fashion-pca,
#                                      mnist-cvae-latent2, mnist-sohn-latent2, fashion-cvae-latent2, fashion-sohn-latent2, mnist-gan, mnist-cgan, classifiers)
# The page picks among them by src/shipped.rs's list (tests/shipped.rs checks the files against it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --bin vae-lab
cli=target/release/vae-lab
mkdir -p models/logs

# The page's architecture (latent 8, two hidden layers of 400), stored as f16 to keep the files small;
# the conditional kinds also at latent 2, for the lesson whose map is the whole latent space.
# MNIST has 9,003 training images, so it gets more epochs than Fashion-MNIST's 60,000 (whose
# test −ELBO levels out from about epoch 25).
train() { # name dataset model epochs latent
  "$cli" train --dataset "$2" --model "$3" --epochs "$4" --latent "$5" --save "models/$1.safetensors" --half 2>/dev/null | tee "models/logs/$1.txt"
  # The loss curve beside it, for the page's chart (PCA is solved, it has none).
  if [ "$3" != pca ]; then node scripts/history-from-logs.mjs "$1"; fi
}
# The classifiers, 20 epochs each: MNIST's 9,003 digits shifted by up to 2 pixels at random (98.40 %
# on its 997 test digits); Fashion-MNIST's 60,000 garments as they are (91.54 %; mirroring them and
# heavier dropout left the small net underfitting at 90.44 %).
classifier() { # dataset epochs augment
  "$cli" classifier --dataset "$1" --epochs "$2" --augment "$3" --save "models/$1-classifier.safetensors" | tee "models/logs/$1-classifier.txt"
}

want=${1:-all}
for m in mnist-vae:mnist:vae:40:8 mnist-cvae:mnist:cvae:40:8 mnist-sohn:mnist:sohn:40:8 mnist-ae:mnist:ae:40:8 mnist-pca:mnist:pca:0:8 \
         fashion-vae:fashion:vae:30:8 fashion-cvae:fashion:cvae:30:8 fashion-sohn:fashion:sohn:30:8 fashion-ae:fashion:ae:30:8 fashion-pca:fashion:pca:0:8 \
         mnist-cvae-latent2:mnist:cvae:40:2 mnist-sohn-latent2:mnist:sohn:40:2 fashion-cvae-latent2:fashion:cvae:30:2 fashion-sohn-latent2:fashion:sohn:30:2; do
  IFS=: read -r name dataset model epochs latent <<<"$m"
  if [ "$want" = all ] || [ "$want" = "$name" ]; then train "$name" "$dataset" "$model" "$epochs" "$latent"; fi
done
# The GANs, with the defaults (the recipe of docs/gan.md: minibatch std in D, samples from G's
# weight average), far longer than the VAEs: 67,200 and 56,000 generator steps, about 26 and 22
# minutes at the 23 ms a step docs/gan.md measured on the least loaded core. They were trained in 20-epoch runs each resuming the last (--init),
# which continues exactly, so one run of all the epochs makes the same files.
for m in mnist-gan:mnist:gan:480:8 mnist-cgan:mnist:cgan:400:8; do
  IFS=: read -r name dataset model epochs latent <<<"$m"
  if [ "$want" = all ] || [ "$want" = "$name" ]; then train "$name" "$dataset" "$model" "$epochs" "$latent"; fi
done
if [ "$want" = all ] || [ "$want" = classifiers ]; then classifier mnist 20 shift=2; classifier fashion 20 none; fi
