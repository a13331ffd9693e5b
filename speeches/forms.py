from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search the transcripts")
    exact = forms.BooleanField(required=False, label="Exact words (no stemming)")
