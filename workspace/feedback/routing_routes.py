"""Routing rules, kept by administrators: which organisation handles the new cases of an area, kind
and programme (workspace/feedback/routing.py), and how many cases wait to be routed by hand."""
from functools import cache

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload
from wtforms import SelectField
from wtforms.validators import InputRequired

from workspace import access
from workspace.admin import bp as admin_bp
from workspace.extensions import db
from workspace.feedback import routing
from workspace.forms import EmptyForm, choices
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.labels import translated
from workspace.models import CATEGORIES, Area, RoutingRule
from workspace.pages import paginate_built
from workspace.pickers import PickerField


class RoutingRuleForm(FlaskForm):
    area_id = PickerField(_l("Area (and the areas inside it)"), kind="areas", blank=_l("— anywhere —"))
    category = SelectField(_l("Kind of case"), choices=choices([("", _l("— any kind —")), *CATEGORIES.items()]))
    programme_id = PickerField(_l("Programme"), kind="programmes", blank=_l("— any programme —"))
    organization_id = PickerField(_l("Handled by"), kind="organizations", blank=_l("— choose —"), validators=[
        InputRequired(message=_l("Choose the organisation that handles these cases."))])


RULES_PER_PAGE = 50


@cache
def _rules() -> Select:
    """The rules by area, kind and id: built once (building it costs more than running it)."""
    area = aliased(Area)
    return (select(RoutingRule).outerjoin(area, area.id == RoutingRule.area_id)
            .options(joinedload(RoutingRule.area), joinedload(RoutingRule.programme),
                     joinedload(RoutingRule.organization))
            .order_by(area.name.nulls_first(), RoutingRule.category.nulls_first(), RoutingRule.id))


def routing_page(form: RoutingRuleForm, status: int = 200):
    rules = paginate_built(_rules(), {}, RULES_PER_PAGE, records=True)
    waiting, more = routing.to_route(current_user)
    return render_template("feedback/routing.html", form=form, rules=rules, kinds=translated(CATEGORIES),
                           waiting=waiting, more=more), status


@admin_bp.route("/routing")
@access.admin_required
def routing_rules():
    return routing_page(RoutingRuleForm(formdata=None))


@admin_bp.route("/routing", methods=["POST"])
@access.admin_required
def add_routing_rule():
    form = RoutingRuleForm()
    if form.validate_on_submit():
        try:
            rule = routing.add_rule(current_user, form.organization_id.data, form.area_id.data,
                                    form.category.data, form.programme_id.data)
        except routing.RuleError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("From now on, these new cases go to %(organization)s.", organization=rule.organization.name),
                  "success")
            return redirect(url_for("admin.routing_rules"))
    return routing_page(form, 422)


@admin_bp.route("/routing/<int:rule_id>/remove", methods=["POST"])
@access.admin_required
def remove_routing_rule(rule_id: int):
    rule = db.get_or_404(RoutingRule, rule_id)
    if EmptyForm().validate_on_submit():
        routing.remove_rule(rule)
        flash(_("Removed. Cases already routed stay where they are."), "success")
    return redirect(url_for("admin.routing_rules"))
