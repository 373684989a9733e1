{{%AUTOESCAPE context="HTML"}}<p>Enter your phone number, including the country code. We will call it, and a voice will read you a security code.</p>
<form action="/" method="post">
<input type="hidden" name="csrf_token" value="{{CSRF_TOKEN}}">
<label for="number">Phone number</label>
<input id="number" name="number" type="tel" autocomplete="tel" inputmode="tel" maxlength="32" required placeholder="+31 6 12345678">
<button type="submit">Send code</button>
</form>
