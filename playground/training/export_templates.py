"""The text of the scripts ``export_code.export_script`` writes (``string.Template``, ``$name``).

``PRELUDE`` holds what both flavours share: the embedded data, the settings, the
weights, the optimiser's state and the random stream. ``NUMPY`` writes the
forward and backward passes out by hand; ``TORCH`` lets PyTorch's autograd do the
backward pass. ``MAIN`` trains and prints the loss curve.
"""

PRELUDE = '''\
"""$title

Exported from Playground. Rebuilds the session outside the app: the same points,
network, $weights weights, optimiser, learning-rate schedule and regularisation.
Training here gives the same losses as the app (to rounding, about 1e-12).

Run:  python $file_name [--epochs N] [--json]
"""

import argparse
import json
import math

import numpy as np
$imports
# -- the data: points (x1, x2), their targets, and which points are held out for testing --
X = np.array($X, dtype=np.float64).reshape(-1, 2)
Y = np.array($y, dtype=$y_dtype)
IS_TEST = np.array($is_test, dtype=bool)
TASK = $task
HEAD = $head  # the output: "sigmoid" (2 classes), "softmax" (more) or "identity" (regression)
N_CLASSES = $n_classes

# -- the network ---------------------------------------------------------------------------
FEATURES = $features
HIDDEN = $hidden  # units per hidden layer
ACTIVATIONS = $activations
RESIDUAL = $residual  # per hidden layer: True adds the layer's input to its output (a skip connection)
STANDARDIZE = $standardize  # (mean, std) of each feature over the training points, or None

# -- training ------------------------------------------------------------------------------
OPTIMIZER = $optimizer  # "sgd", "momentum", "nesterov" or "adam"
LR = $lr
MOMENTUM = $momentum
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = $adam
BATCH_SIZE = $batch_size
L1, L2 = $l1, $l2  # penalties on the weights (not the biases), added to the gradient
WEIGHT_DECAY = $weight_decay  # decoupled, as AdamW: w -= lr * decay * w before each step
DROPOUT = $dropout  # inverted dropout on the hidden layers' outputs while training
SCHEDULE, SCHEDULE_GAMMA, SCHEDULE_EVERY = $schedule, $schedule_gamma, $schedule_every
PATIENCE, MAX_EPOCHS = $patience, $max_epochs  # early stopping and the epoch limit (0: off)

# -- the state training starts from: epoch, weights, optimiser, random stream -------------
START_EPOCH = $epoch
BEST_LOSS, EPOCHS_SINCE_BEST = $best_loss, $epochs_since_best
# W[l][i, j] is the weight from input (or unit) i of the layer below to unit j of layer l.
WEIGHTS = [np.array(w, dtype=np.float64) for w in $weights_list]
BIASES = [np.array(b, dtype=np.float64) for b in $biases_list]
OPTIMIZER_STEPS = $steps
# The optimiser's running averages, one array per weight matrix and bias (empty: zeros).
OPTIMIZER_STATE = {name: [np.array(v, dtype=np.float64) for v in values]
                   for name, values in $optimizer_state.items()}
RANDOM_STATE = $rng_state  # numpy's PCG64 state: shuffling and dropout masks


def features(points):
    """The network's input: the chosen features of each point, standardised if asked."""
    x1, x2 = points[:, 0], points[:, 1]
    columns = {
$feature_code
    }
    F = np.column_stack([columns[name] for name in FEATURES]).astype(np.float64)
    if STANDARDIZE is not None:
        F = (F - np.array(STANDARDIZE[0])) / np.array(STANDARDIZE[1])
    return F


def learning_rate(epoch):
    """The schedule: the learning rate of the epoch numbered ``epoch`` (0 for the first)."""
    if SCHEDULE == "step":
        return LR * SCHEDULE_GAMMA ** (epoch // SCHEDULE_EVERY)
    if SCHEDULE == "exponential":
        return LR * SCHEDULE_GAMMA ** epoch
    return LR

'''

NUMPY = '''\

def activate(name, z):
    """a = sigma(z)"""
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 0.5 + 0.5 * np.tanh(0.5 * z)
    return z  # linear


def slope(name, z, a):
    """d a / d z, the activation's derivative at z (a = sigma(z) already computed)."""
    if name == "relu":
        return (z > 0).astype(np.float64)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    if name == "tanh":
        return 1.0 - a * a
    if name == "sigmoid":
        return a * (1.0 - a)
    return np.ones_like(z)


def forward(F, rng=None):
    """The logits for a batch F, and what the backward pass needs of each hidden layer.

    z(l) = a(l-1) W(l) + b(l),  a(l) = sigma(z(l)),  a(0) = F;
    a layer with a skip connection adds its input: a(l) = sigma(z(l)) + a(l-1).
    With ``rng`` (training) dropout keeps each hidden unit with probability 1 - DROPOUT
    and scales the kept ones by 1 / (1 - DROPOUT) (the skip is not dropped).
    """
    a, layers = F, []
    for l, name in enumerate(ACTIVATIONS):
        z = a @ WEIGHTS[l] + BIASES[l]
        out = activate(name, z)
        mask = None
        if rng is not None and DROPOUT > 0:
            keep = 1.0 - DROPOUT
            mask = (rng.random(out.shape) < keep).astype(np.float64) * (1.0 / keep)
        layers.append((a, z, out, mask))
        h = out if mask is None else out * mask
        a = h + a if RESIDUAL[l] else h
    logits = a @ WEIGHTS[-1] + BIASES[-1]
    return logits, layers, a


def loss_and_gradient(logits, y):
    """The mean loss over the batch and its gradient with respect to the logits, dL/dz."""
    n = len(logits)
    if HEAD == "sigmoid":
        # binary cross-entropy of sigmoid(z): log(1 + e^z) - z y; dL/dz = (sigmoid(z) - y) / n
        z = logits[:, 0]
        loss = np.mean(np.logaddexp(0.0, z) - z * y)
        grad = (0.5 + 0.5 * np.tanh(0.5 * z) - y) / n
        return loss, grad[:, None]
    if HEAD == "softmax":
        # cross-entropy of softmax(z); dL/dz = (softmax(z) - onehot(y)) / n
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, y])
        grad = exp / total
        grad[rows, y] -= 1.0
        return loss, grad / n
    # mean squared error; dL/dz = 2 (z - y) / n
    diff = logits[:, 0] - y
    return np.mean(diff * diff), (2.0 * diff / n)[:, None]


def backward(g, layers, a_last):
    """The chain rule, from the output back to the first layer: dL/dW and dL/db of each layer.

    For a layer z = a W + b:  dL/dW = a^T dL/dz,  dL/db = sum of dL/dz over the batch,
    and the layer below gets dL/da = dL/dz W^T.  Through an activation, dL/dz = dL/da * sigma'(z).
    A skip connection is a second path down: the layer below also gets dL/da(l) itself.
    """
    grad_W, grad_b = [None] * len(WEIGHTS), [None] * len(BIASES)
    grad_W[-1], grad_b[-1] = a_last.T @ g, g.sum(axis=0)
    g_a = g @ WEIGHTS[-1].T  # dL/da of the last hidden layer
    for l in range(len(ACTIVATIONS) - 1, -1, -1):
        a_in, z, out, mask = layers[l]
        g = g_a if mask is None else g_a * mask  # only the units dropout kept pass the gradient back
        g = g * slope(ACTIVATIONS[l], z, out)  # dL/dz(l)
        grad_W[l], grad_b[l] = a_in.T @ g, g.sum(axis=0)
        through_layer = g @ WEIGHTS[l].T
        g_a = through_layer + g_a if RESIDUAL[l] else through_layer  # dL/da(l-1): both paths add up
    return grad_W, grad_b


class Optimizer:
    """The update rule, over the weight matrices and biases in the order W1, b1, W2, b2, ..."""

    def __init__(self):
        self.params = [p for pair in zip(WEIGHTS, BIASES) for p in pair]
        self.is_weight = [i % 2 == 0 for i in range(len(self.params))]
        self.steps = OPTIMIZER_STEPS
        zeros = [np.zeros_like(p) for p in self.params]
        self.velocity = OPTIMIZER_STATE.get("velocity") or zeros
        self.m = OPTIMIZER_STATE.get("m") or [z.copy() for z in zeros]
        self.v = OPTIMIZER_STATE.get("v") or [z.copy() for z in zeros]

    def step(self, grads, lr):
        self.steps += 1
        t = self.steps
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if WEIGHT_DECAY and self.is_weight[i]:
                p -= (lr * WEIGHT_DECAY) * p
            if OPTIMIZER == "sgd":
                p -= lr * g
            elif OPTIMIZER in ("momentum", "nesterov"):
                v = self.velocity[i]
                v *= MOMENTUM
                v += g  # v = momentum v + g
                p -= lr * (g + MOMENTUM * v) if OPTIMIZER == "nesterov" else lr * v
            else:  # adam: running averages of g and g^2, bias-corrected
                m, v = self.m[i], self.v[i]
                m *= ADAM_BETA1
                m += (1.0 - ADAM_BETA1) * g
                v *= ADAM_BETA2
                v += (1.0 - ADAM_BETA2) * g * g
                correction2 = math.sqrt(1.0 - ADAM_BETA2 ** t)
                step = lr * correction2 / (1.0 - ADAM_BETA1 ** t)
                p -= step * m / (np.sqrt(v) + ADAM_EPS * correction2)


def train_step(xb, yb, optimizer, rng, lr):
    """One mini-batch: forward, loss, backward, penalties, update. Returns the batch's loss."""
    logits, layers, a_last = forward(xb, rng)
    loss, g = loss_and_gradient(logits, yb)
    if not math.isfinite(loss):
        return loss
    grad_W, grad_b = backward(g, layers, a_last)
    for l, W in enumerate(WEIGHTS):
        grad_W[l] = grad_W[l] + L1 * np.sign(W) + L2 * W  # d/dW of L1 |W| + L2 W^2 / 2
    optimizer.step([g for pair in zip(grad_W, grad_b) for g in pair], lr)
    return loss


def evaluate(F, y):
    """The loss on (F, y) without dropout; NaN for no points."""
    if len(F) == 0:
        return float("nan")
    return float(loss_and_gradient(forward(F)[0], y)[0])

'''

TORCH = '''\

def activate(name, z):
    """a = sigma(z)"""
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(z, 0.01)
    if name == "tanh":
        return torch.tanh(z)
    if name == "sigmoid":
        return torch.sigmoid(z)
    return z  # linear


PARAMS = [torch.tensor(p, requires_grad=True) for pair in zip(WEIGHTS, BIASES) for p in pair]
IS_WEIGHT = [i % 2 == 0 for i in range(len(PARAMS))]


def forward(F, rng=None):
    """The logits for a batch F: z(l) = a(l-1) W(l) + b(l), a(l) = sigma(z(l)), plus a(l-1)
    for a layer with a skip connection.

    The dropout masks come from numpy's random stream, as in the app, so that both
    draw the same masks.
    """
    a = torch.from_numpy(F)
    for l, name in enumerate(ACTIVATIONS):
        h = activate(name, a @ PARAMS[2 * l] + PARAMS[2 * l + 1])
        if rng is not None and DROPOUT > 0:
            keep = 1.0 - DROPOUT
            mask = (rng.random(tuple(h.shape)) < keep).astype(np.float64) * (1.0 / keep)
            h = h * torch.from_numpy(mask)
        a = h + a if RESIDUAL[l] else h
    return a @ PARAMS[-2] + PARAMS[-1]


def loss_of(logits, y):
    if HEAD == "sigmoid":
        return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], torch.from_numpy(y))
    if HEAD == "softmax":
        return torch.nn.functional.cross_entropy(logits, torch.from_numpy(y))
    return torch.nn.functional.mse_loss(logits[:, 0], torch.from_numpy(y))


def make_optimizer():
    if OPTIMIZER == "adam":
        opt = torch.optim.Adam(PARAMS, lr=LR, betas=(ADAM_BETA1, ADAM_BETA2), eps=ADAM_EPS)
        for p, m, v in zip(PARAMS, OPTIMIZER_STATE.get("m", []), OPTIMIZER_STATE.get("v", [])):
            opt.state[p] = {"step": torch.tensor(float(OPTIMIZER_STEPS)), "exp_avg": torch.tensor(m),
                            "exp_avg_sq": torch.tensor(v)}
        return opt
    momentum = MOMENTUM if OPTIMIZER in ("momentum", "nesterov") else 0.0
    opt = torch.optim.SGD(PARAMS, lr=LR, momentum=momentum, nesterov=OPTIMIZER == "nesterov")
    if momentum:
        for p, v in zip(PARAMS, OPTIMIZER_STATE.get("velocity", [])):
            opt.state[p] = {"momentum_buffer": torch.tensor(v)}
    return opt


def train_step(xb, yb, optimizer, rng, lr):
    """One mini-batch: forward, loss, backward (autograd), penalties, update."""
    optimizer.zero_grad(set_to_none=False)
    loss = loss_of(forward(xb, rng), yb)
    value = float(loss)
    if not math.isfinite(value):
        return value
    loss.backward()
    with torch.no_grad():
        for p, weight in zip(PARAMS, IS_WEIGHT):
            if weight:
                p.grad += L1 * torch.sign(p) + L2 * p  # d/dW of L1 |W| + L2 W^2 / 2
                if WEIGHT_DECAY:
                    p -= (lr * WEIGHT_DECAY) * p  # decoupled, before the update (as AdamW)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return value


def evaluate(F, y):
    """The loss on (F, y) without dropout; NaN for no points."""
    if len(F) == 0:
        return float("nan")
    with torch.no_grad():
        return float(loss_of(forward(F), y))

'''

MAIN = """\

def main():
    parser = argparse.ArgumentParser(description="Train the exported Playground session.")
    parser.add_argument("--epochs", type=int, default=100, help="epochs to train (default 100)")
    parser.add_argument("--json", action="store_true", help="print the loss curves as JSON only")
    args = parser.parse_args()

    F = features(X)
    train, test = ~IS_TEST, IS_TEST
    F_train, y_train, F_test, y_test = F[train], Y[train], F[test], Y[test]
    rng = np.random.default_rng()
    rng.bit_generator.state = RANDOM_STATE
    optimizer = $make_optimizer
    n = len(F_train)
    batch = min(BATCH_SIZE, n)
    best, since_best = BEST_LOSS, EPOCHS_SINCE_BEST
    curves = {"train_loss": [], "test_loss": []}
    for epoch in range(START_EPOCH, START_EPOCH + args.epochs):
        if (MAX_EPOCHS and epoch >= MAX_EPOCHS) or (PATIENCE and since_best >= PATIENCE):
            break  # the epoch limit, or early stopping
        lr = learning_rate(epoch)
        order = rng.permutation(n) if batch < n else None  # a new shuffle each epoch
        total = 0.0
        for begin in range(0, n, batch):
            rows = slice(None) if order is None else order[begin:begin + batch]
            xb, yb = F_train[rows], y_train[rows]
            loss = train_step(xb, yb, optimizer, rng, lr)
            if not math.isfinite(loss):
                raise SystemExit(f"training diverged in epoch {epoch + 1}: lower the learning rate")
            total += loss * len(xb)
        train_loss, test_loss = total / n, evaluate(F_test, y_test)
        curves["train_loss"].append(train_loss)
        curves["test_loss"].append(None if math.isnan(test_loss) else test_loss)
        watched = test_loss if math.isfinite(test_loss) else train_loss
        best, since_best = (watched, 0) if watched < best else (best, since_best + 1)
        if not args.json and ((epoch + 1) % 10 == 0 or epoch == START_EPOCH):
            print(f"epoch {epoch + 1}: train loss {train_loss:.6f}, test loss {test_loss:.6f}")
    if args.json:
        print(json.dumps(curves))


if __name__ == "__main__":
    main()
"""
