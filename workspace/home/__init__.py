from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@login_required
def index():
    return render_template("home/index.html")
