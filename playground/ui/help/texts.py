"""What each view of the window shows and how to read it, written for a student.

One entry per view: its title and a few short paragraphs (Qt rich text). The
"?" buttons (explanations.py) open them; each entry's key also names its
picture in pictures.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    """The title and the text (paragraphs of Qt rich text) of one view's "?"."""

    title: str
    paragraphs: tuple[str, ...]

    @property
    def html(self) -> str:
        return "".join(f"<p>{paragraph}</p>" for paragraph in self.paragraphs)


EXPLANATIONS: dict[str, Explanation] = {
    "boundary": Explanation(
        "Decision boundary",
        (
            "The <b>decision boundary</b> plot is the input plane: every point of the data sits at its "
            "coordinates (x1, x2), coloured by its class.",
            "The background is the network's answer at every place: the colour of the class it predicts, "
            "strong where it is sure and pale where it hesitates. The solid line is where it is exactly 50/50: "
            "the boundary between the classes.",
            "Watch it bend while training. Click to add a point, right-click for the second class, "
            "Shift+drag to erase. Hollow rings are the test points, kept out of training.",
        ),
    ),
    "activation": Explanation(
        "Activation space",
        (
            "The <b>activation space</b> shows the data as one hidden layer sees it: each point is placed by "
            "what two of the layer's units (or directions) output for it, not by its inputs.",
            "The faint grid is the input plane carried through the network, so you see how each layer "
            "stretches and folds the plane. The last layer can only draw a straight line: training looks for "
            "layers that move the classes apart until one line separates them.",
            "Pick the layer and the two axes above the plot.",
        ),
    ),
    "loss": Explanation(
        "Loss",
        (
            "The <b>loss</b> curve says how wrong the network is, epoch by epoch (one epoch: every training "
            "point seen once). Lower is better; the solid line is the training data, the dashed one the test "
            "data the network never trains on.",
            "When the test loss rises while the training loss still falls, the network is learning the "
            "training points by heart (overfitting). Accuracy, on the right axis, is the share of points "
            "classified correctly. Tick <i>log scale</i> to see late progress.",
        ),
    ),
    "gradients": Explanation(
        "Gradient norms",
        (
            "The <b>gradient</b> of the loss says, for every weight, which way and how strongly to change it "
            "to lower the loss. This plot shows its size (norm) for each layer, on a log scale.",
            "Lines that fall towards zero for the first layers mean vanishing gradients: those layers hardly "
            "learn. Lines that shoot up mean exploding gradients, often a learning rate too high.",
        ),
    ),
    "network": Explanation(
        "Network diagram",
        (
            "The <b>network</b> diagram draws every unit as a small map: what that unit outputs at every place "
            "of the input plane. The inputs are on the left, the output on the right.",
            "Lines are weights: orange and blue for the two signs, thicker for larger values. Each unit adds "
            "up the maps of the layer before, weighted, and bends the sum with its activation function.",
        ),
    ),
    "data": Explanation(
        "DATA panel",
        (
            "The <b>DATA</b> panel chooses the points the network learns from: a preset shape (XOR, circles, "
            "spirals...), how noisy it is, how many points, and which share is kept aside as test data.",
            "Each point has two coordinates, <b>x1</b> (left to right) and <b>x2</b> (bottom to top), and a "
            "class (its colour). Paint on the plot to add your own points; the seed draws a new sample.",
        ),
    ),
    "network_panel": Explanation(
        "NETWORK panel",
        (
            "The <b>NETWORK</b> panel builds the network. <b>Inputs</b> are the features it is given for each "
            "point: <b>x1</b> and <b>x2</b> are the point's coordinates; <b>x1²</b>, <b>x1x2</b> and "
            "<b>sin x1</b> are computed from them. A circle is easy with x1² and x2² even without hidden "
            "layers, since x1² + x2² is the distance from the centre, squared.",
            "<b>Hidden layers</b> are stacks of units between the inputs and the output; more units can draw "
            "more complicated boundaries. The <b>activation</b> (tanh, ReLU, sigmoid) is the bend each unit "
            "applies; without it, every layer together is still one straight line. <b>Init</b> picks the "
            "random starting weights.",
        ),
    ),
    "training": Explanation(
        "TRAINING panel",
        (
            "The <b>TRAINING</b> panel says how the network learns. Each step computes the gradient of the "
            "loss on a <b>batch</b> of points and moves every weight a little downhill.",
            "The <b>learning rate</b> is the size of that move: too small crawls, too large jumps over the "
            "valley and diverges. The <b>optimizer</b> (SGD, momentum, Adam) decides how past steps shape the "
            "next. Regularisation (in Advanced) keeps weights small against overfitting.",
            "Under the plots, Play (Space) trains continuously, Step trains one epoch and Reset starts again "
            "from new random weights; the speed slider sets the epochs per second.",
        ),
    ),
    "timeline": Explanation(
        "Timeline",
        (
            "The <b>timeline</b> keeps snapshots of training. Drag it back to see the boundary, the maps and "
            "the curves as they were at an earlier epoch; <i>Back to live</i> returns to the present.",
            "<i>Continue from here</i> trains on from the epoch shown, forgetting what came after. Bookmarks "
            "(Ctrl+B) mark a moment with a caption, as a tick on the slider.",
        ),
    ),
    "chain_rule": Explanation(
        "Chain rule",
        (
            "The <b>chain rule</b> panel follows one point through the network (pick it with the Inspect tool): "
            "forward, the value of every unit; backward, how much the loss changes when each value changes.",
            "Each backward number is a product along the path from the loss: the local slope of each step "
            "multiplied together. That product is the gradient that training uses to move the weights.",
        ),
    ),
    "graph": Explanation(
        "Computational graph",
        (
            "The <b>computational graph</b> draws every operation that turns one point's inputs into its loss: "
            "multiplications, additions, activations, each a node.",
            "Step forward to see the values flow from inputs to loss; step backward to see the gradients flow "
            "back, each node passing to its parents its share times the local derivative.",
        ),
    ),
    "transforms": Explanation(
        "Transforms",
        (
            "The <b>transforms</b> view shows the input plane carried stage by stage: after each layer's "
            "weights (a stretch, turn and shift) and after its activation (a bend).",
            "Lines of constant x1 and of constant x2 show where each part of the plane goes. A network "
            "separates the classes by moving the plane until a straight line splits them.",
        ),
    ),
    "landscape": Explanation(
        "Loss landscape",
        (
            "The <b>landscape</b> is the loss over a flat slice of weight space through the current weights: "
            "every place is a network whose weights differ along two directions. Dark purple is low loss, "
            "yellow high.",
            "The path is where training has been; the arrows point downhill and show the optimiser's next "
            "step. A narrow valley explains zig-zags; a flat plain explains slow progress.",
        ),
    ),
    "regions": Explanation(
        "Regions",
        (
            "A ReLU network cuts the plane into <b>regions</b>: inside each one every unit is either on or "
            "off, so the network is a plain linear function there.",
            "The view colours each region; more units and layers make more, smaller regions, and the "
            "boundary is made of straight pieces, one per region it crosses.",
        ),
    ),
    "race": Explanation(
        "Optimiser race",
        (
            "The <b>optimiser race</b> starts several optimisers from the same place on the same hill of loss "
            "and lets them run downhill side by side.",
            "Plain gradient descent follows the slope; momentum builds up speed in a steady direction; Adam "
            "scales each direction by how large its gradients have been.",
        ),
    ),
}
