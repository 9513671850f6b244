"""Files the application uses at run time (the icons), shipped inside the package so that an
installed wheel finds them with importlib.resources. Material that is not needed at run time
(the icon renderer, the Linux desktop files, the README's pictures) stays in ``resources/``
at the top of the repository."""
