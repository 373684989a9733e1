{{%AUTOESCAPE context="HTML"}}{{#FOR_CLIENT}}<p class="for-client"><strong>{{CLIENT_NAME}}</strong> {{PAGE_PHONE_FOR_CLIENT}}</p>
{{/FOR_CLIENT}}<p>{{PAGE_PHONE_INTRO}}</p>
<form action="/" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<label for="number">{{PAGE_PHONE_LABEL}}</label>
<input id="number" name="number" type="tel" autocomplete="tel" inputmode="tel" maxlength="32"{{#PREFILL}} value="{{NUMBER}}"{{/PREFILL}} required placeholder="+31 6 12345678"{{#FIELD_DESCRIBED}} aria-describedby="banner"{{/FIELD_DESCRIBED}}{{#FIELD_INVALID}} aria-invalid="true"{{/FIELD_INVALID}} autofocus>
<button type="submit">{{PAGE_PHONE_BUTTON}}</button>
</form>
