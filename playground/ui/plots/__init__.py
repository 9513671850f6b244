"""The live plots of the window, each a ``pyqtgraph.PlotWidget`` fed plain numpy arrays.

- ``boundary.BoundaryPlot``: the model's map over the input plane and the data; the click/paint canvas.
  ``boundary_view.BoundaryView`` puts it under its title, its colour key (``color_key``) and Discretize.
- ``activation_space.ActivationSpacePlot``: a hidden layer's view of the data; ``activation_view``
  adds the layer and plane selectors, ``projection`` (numpy only) the planes (units, PCA,
  output-aligned) and where the output's regions cut them.
- ``loss.LossPlot``: training and test loss, with accuracy or RMSE on a second axis.
- ``gradients.GradientPlot``: gradient norm per layer, log scale.

Helpers: ``colors`` and ``contour`` (numpy only: colour maps, marching squares),
``points`` (class-coloured scatter), ``history`` (per-epoch plot base) and
``style`` (themes, fonts, axis labels). Nothing here is imported eagerly, so
``colors`` and ``contour`` can be used without loading Qt.
"""
